"""Word patterns of page chrome, bylines and captions in scraped plain text.

Patterns for *short* lines may be broad (a sentence of the article is rarely that short);
patterns that also apply to long lines are narrow boilerplate wordings.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# The longest line (in words) each kind of pattern below is read on: the labeller's
# features (``lines``) and the decoder's chrome test (``decode.chrome_wording``) share them.
SHORT_WORDS = 15  # SHORT_CHROME
TINY_WORDS = 6  # TINY_CHROME, END_MARKER as a label of its own
CAPTION_WORDS = 40  # CAPTION

# A standalone label after which the page turns to other content (related links, comments).
END_MARKER = re.compile(
    r"^(?:related(?: articles| posts| stories| news| content| reading)?|read (?:more|next|also)"
    r"|more (?:from|stories|articles|news|on this)\b.*|you (?:may|might) (?:also )?like"
    r"|recommended(?: for you)?|most (?:popular|read|viewed|shared)|popular (?:posts|articles)"
    r"|trending(?: now)?|comments?(?: \(\d+\))?|\d+ comments?|leave a (?:reply|comment)"
    r"|tags?|filed under\b.*|see also|further reading|latest(?: news)?"
    r"|what to read next|also on \S.*|previous (?:article|post)|next (?:article|post)"
    r"|join the (?:conversation|discussion)|about the author"
    # German, French, Spanish, Portuguese, Russian labels of the same boxes
    r"|mehr zum thema|lesen sie auch|ähnliche artikel|kommentare|(?:à )?lire aussi"
    r"|articles similaires|commentaires|leer también|lea también|noticias relacionadas"
    r"|comentarios|leia também|читайте также|похожие (?:статьи|новости|материалы)"
    r"|комментарии)\s*:?$",
    _I,
)

# Short lines (up to about 15 words) containing these phrases are chrome.
SHORT_CHROME = re.compile(
    r"(?:^|\b)(?:share (?:this|on|via)|tweet this|sign up\b|our newsletter|^newsletters?\b"
    r"|newsletters? (?:sign-?up|subscri)|(?:get|receive|join) (?:the|our) .{0,30}newsletter"
    r"|donate (?:now|today|here|to (?:us|our))|^donate\b|make a donation|your donations?"
    r"|support (?:us|our|independent|\w+ journalism)|become a (?:member|patron|subscriber)"
    r"|follow us|click here|tap here|subscribe (?:to|now|for|today|here)|subscribe$"
    r"|listen to (?:this|the) article|you can now listen|advertisement|sponsored content"
    r"|cookie (?:policy|settings|preferences|consent)|(?:use|uses|accept) (?:all )?cookies"
    r"|privacy policy|terms of (?:use|service)|all rights reserved|^copyright\b|©"
    r"|copyright \(?(?:c\)|\d{4})|skip to\b|back to top|load more|show more|read more|view all"
    r"|comments? on (?:this|our|the article|facebook)"
    r"|on our (?:facebook|telegram|vk) (?:page|channel)"
    r"|min(?:ute)? read|reading time|patreon|paypal|in-depth report|articles by"
    r"|watch(?: the)? video|download (?:the|our) app|get the .{0,30}app|continue reading"
    r"|^(?:related|read (?:more|also)|see also|watch|listen|more)\s*:|(?:to|in) your inbox"
    r"|^mehr zum thema|lesen sie (?:auch|mehr)|weiterlesen|^(?:à )?lire aussi|^le[ae] también"
    r"|^leia também|читайте также|читать далее|подпис\w+ на|abonnieren sie|abonnez-vous"
    r"|suscríbete|inscreva-se|^placeholder while|articles? actions? load"
    r"|^\S+(?: \S+)? (?:says|said|wrote|replied|commented):$"
    r"|^(?:posted|submitted|published) by\b|^region:|^theme:|^categor(?:y|ies):|^topics?:"
    r"|^tags?:|^posted in\b|^filed under)",
    _I,
)

# Lines of at most six words, without a final full stop, containing these are chrome.
TINY_CHROME = re.compile(
    r"\b(?:about us|contact us|log ?in|log ?out|sign in|register|join us|facebook|twitter|x\.com"
    r"|telegram|whatsapp|linkedin|reddit|vk|gab|rumble|youtube|instagram|rss|e-?mail us|subscribe"
    r"|donate|support|teilen|partager|compartir|compartilhar|поделиться|подписаться)\b",
    _I,
)

# Lines of at most four words made only of navigation words are chrome.
NAV_LINE = re.compile(
    r"^(?:(?:home|menu|search|print|share|reply|e-?mail|tweet|pin|save|next|previous|prev"
    r"|more|top|news|world|politics|opinion|video|videos|podcasts?|sections?|close|open"
    r"|accept|reject|all|i|agree|manage|settings|preferences|options|dismiss|got|it|ok)"
    r"\b[\s|/•·>»›:-]*){1,4}$",
    _I,
)

# Lines of any length that start like this are chrome: disclaimers, notices, pitches.
LONG_CHROME = re.compile(
    r"^disclaimer\b|^(?:the )?(?:statements|views|opinions)(?:,? ?views)?(?: and opinions)? "
    r"expressed .{0,80}(?:solely|are those|do not necessarily)|^for media inquiries"
    r"|^sign up (?:for|to) (?:our|the) .{0,40}newsletter"
    r"|^(?:please )?support (?:our|independent) .{0,60}(?:journalism|media)"
    r"|^(?:if you (?:enjoyed|value|like)|help us) .{0,120}(?:donat|support|subscrib|patreon)"
    r"|^we (?:use|value) cookies|^by (?:using|continuing)(?: to use)? this (?:site|website)"
    r"|^this (?:article|post|story) (?:may contain|contains) affiliate links",
    _I,
)

# Notice wordings that may also occur in an article about copyright or media: a line is
# chrome when it has two different ones, or one and at most 40 words.
NOTICE_PHRASES = re.compile(
    r"do not necessarily (?:reflect|represent) (?:the|those)|contains copyrighted material"
    r"|fair use|all rights reserved|grants permission to cross-post|sole responsibility of the"
    r"|reproduc\w+ (?:without|in whole)|permission (?:of|from) the copyright",
    _I,
)

# Fund-raising wordings: two different ones in a line of up to 60 words make it chrome.
APPEAL = re.compile(
    r"\bdonat\w*|paypal|bitcoin|patreon|subscribestar|buy (?:us|me) a coffee|crowdfund\w*"
    r"|support (?:us|our work|independent|[A-Z][\w-]*(?: [A-Z][\w-]*)*!)|become a (?:patron|member)"
    r"|(?:we|i) (?:rely|depend) on (?:readers|you|donations)|take no money from",
    _I,
)

INLINE_AD = re.compile(
    r"^(?:advertisement|ad|sponsored.*|story continues.*|continue reading|from our partners)$",
    _I,
)

BYLINE = re.compile(
    r"^(?:by|written by|words by|author:?|posted by|reported by|von|par|por|autor:?|auteur\s?:"
    r"|автор:?)\s+"
    r"(?P<name>[^\s\d,|][^\d|]{1,80}?)\s*(?:[,|•·-].*)?$",
    _I,
)
ARTICLES_BY = re.compile(r"^articles by:\s*(?P<name>.{2,60})$", _I)
DATE_PREFIX = re.compile(
    r"^(?:published|posted|updated|last updated|first published|date)(?: on| at)?\s*:?", _I
)
COUNTER = re.compile(
    r"^[\d.,]+\s*[km]?\s+(?:views?|reads?|shares?|comments?|likes?)\b|^(?:views?|shares?):?\s*\d",
    _I,
)

CAPTION = re.compile(
    r"\((?:c|l|r|l-r|r-l|left|right|centre|center|file(?: photo)?|pictured|above|below)\)"
    r"|^(?:photo|image|picture|pictured|credit|file photo|illustration|screenshot|video)\s*:"
    r"|(?:photo|image|picture) (?:by|credit|courtesy)|getty images|\.\s*file (?:photo|image)$"
    r"|\((?:photo|image|picture|credit|source|file)\b[^)]*\)$"
    r"|(?:/|©)\s*(?:afp|reuters|ap|sputnik|tass|epa|wikimedia|shutterstock|getty)\b"
    r"|\bvia (?:afp|reuters|ap|sputnik|tass|epa|wikimedia|shutterstock|getty)\)?$",
    _I,
)

BIO = re.compile(
    r"^(?P<name>(?!(?:The|A|An|This|In|On|At|But|And|When|After|Some)\s)(?:[A-Z][\w'’.-]+\s)"
    r"{1,3}[A-Z][\w'’-]+),?\s+(?:is|was|has been|lives|writes|teaches|works|holds|serves|covers)"
    r"\b.{0,120}?\b(?:author|writer|journalist|editor|contributor|researcher|analyst|activist"
    r"|columnist|professor|correspondent|blogger|commentator|reporter|lives in|founder|producer"
    r"|fellow|reached at|available at|website)\b",
)
# The attribution line of an embedded tweet: "pic.twitter.com/x — Name (@handle) May 1, 2017".
TWEET = re.compile(r"pic\.twitter\.com/\w+|\(@\w{1,15}\)\s+\w+\.? \d{1,2}, \d{4}\s*$")
PERSON = re.compile(r"^(?:[A-Z][\w'’.-]+\s){1,3}[A-Z][\w'’-]+$")
BREADCRUMB = re.compile(r"(?:[^|›»>/•]{1,80}(?:\s[|›»>/]\s|\s•\s)){2,}")


def byline_name(text: str) -> str | None:
    """The author's name when ``text`` is a byline ("By Jane Roe"), else None."""
    m = BYLINE.match(text)
    if not m or len(text.split()) > 14:
        return None
    name = BYLINE.match(text.replace("<u>", "").replace("</u>", "").replace("**", ""))
    words = (name or m)["name"].split()
    capitals = sum(w[:1].isupper() for w in words)
    if not words or len(words) > 8 or capitals * 2 < len(words):
        return None
    return " ".join(words)


# Comment threads.  A line of only reply / delete / report / vote words (the action bar under
# each comment, "AntwortenLöschen" as Blogger renders it).
COMMENT_ACTION = re.compile(
    r"^(?=.*[^\W\d_])(?:(?:reply|replies|antworten|antwort|beantworten|löschen|report|flag|like|likes"
    r"|dislike|upvote|downvote|melden|répondre|signaler|responder|rispondi|ответить"
    r"|permalink|zitieren|quote|edit|bearbeiten|\d{1,4}|[↑↓▲▼·|•])\s*)+$",
    _I,
)
# "Jane Roe says:" / "Harm Otten sagt:" / "X schreibt:" -- the name line of a comment.
COMMENT_AUTHOR = re.compile(
    r"^.{1,60}?\s(?:says|said|wrote|replied|commented|sagt|schreibt|meint|antwortete"
    r"|kommentierte|dit|écrit|dice|escribió|пишет)\s*:?$",
    _I,
)
# The header or form of a comment thread: "2 Gedanken zu ...", "12 Comments", "Leave a Reply".
COMMENT_HEADER = re.compile(
    r"^\d+\s+(?:comments?|kommentare?|antworten|responses?|replies|thoughts? on|gedanken zu"
    r"|réactions?|commentaires?|comentarios?|комментари\w*)\b"
    r"|\b(?:leave|post|add|write|submit) (?:a|your) (?:comment|reply)|schreibe einen kommentar"
    r"|kommentar (?:schreiben|hinzufügen|verfassen|abschicken)|laisser un commentaire"
    r"|deja un comentario|^(?:comments?|kommentare?|commentaires|comentarios)\s*[:(]?\s*\d*\)?$"
    r"|e-mail-adresse wird nicht veröffentlicht|email address will not be published"
    r"|^(?:join|start) the (?:conversation|discussion)",
    _I,
)
# When a comment was posted: a time of day next to a date, or a relative time.
TIMESTAMP = re.compile(
    r"\d{1,2}[:.]\d\d\s*(?:uhr|am|pm|h)\b|\b(?:um|at|à|a las)\s+\d{1,2}[:.]\d\d"
    r"|\d{4},?\s+\d{1,2}:\d\d|\d{1,2}:\d\d$"
    r"|\b\d+\s+(?:seconds?|minutes?|mins?|hours?|days?|weeks?|months?|years?)\s+ago\b"
    r"|\bvor\s+\d+\s+(?:sekunden|minuten|stunden|tagen|wochen|monaten|jahren)\b"
    r"|\bil y a\s+\d+\s+(?:minutes?|heures?|jours?|mois|ans)\b",
    _I,
)
