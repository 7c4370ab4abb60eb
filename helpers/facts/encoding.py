"""How Twilio splits a body into SMS segments: alphabets, capacities, Smart Encoding.

The rules of Twilio's message segment calculator; ``helpers.segments.count_segments``
applies them. A segment carries 140 octets. GSM-7 characters cost 7 bits (the extension
characters cost two: an escape plus the character); one character outside GSM-7 switches the
whole message to UCS-2, 16 bits per UTF-16 code unit. Once a message needs more than one
segment, each segment loses 6 octets to the concatenation header.
"""

from __future__ import annotations

SEGMENT_OCTETS = 140
HEADER_OCTETS = 6  # the user data header of a concatenated (multi-segment) message

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[]~|€")

# Characters (GSM-7 septets or UCS-2 code units) in one segment: 160/70 alone, 153/67 when split.
SINGLE_SEGMENT = {"GSM-7": SEGMENT_OCTETS * 8 // 7, "UCS-2": SEGMENT_OCTETS // 2}
MULTI_SEGMENT = {
    "GSM-7": (SEGMENT_OCTETS - HEADER_OCTETS) * 8 // 7,
    "UCS-2": (SEGMENT_OCTETS - HEADER_OCTETS) // 2,
}

# Smart Encoding (``SmartEncoded=true``): Unicode look-alikes Twilio replaces with GSM-7.
SMART_ENCODING = {
    "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u2033": '"', "\u02ba": '"', "\u02dd": '"', "\u02ee": '"', "\uff02": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u2039": "'",
    "\u203a": "'", "\u02b9": "'", "\u02bb": "'", "\u02bc": "'", "\u02bd": "'", "\u02be": "'",
    "\u02c8": "'", "\uff07": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\uff0d": "-",
    "\u2026": "...", "\u02c6": "^", "\u02dc": "~", "\u2038": "^", "\u2044": "/", "\u2215": "/",
    "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ",
    "\u2005": " ", "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u205f": " ", "\u3000": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\u00ad": "", "\u2028": "\n", "\u2029": "\n",
}
