"""The glossary page: the terms the pages use, in our words; the build links each term where it first
appears on a page (:mod:`tradetalks.book.glossary_links`)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .common import Table


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    forms: tuple[str, ...]  # how the pages write it (first match on a page is linked)
    meaning: str


TERMS = (
    Term("ieepa", "IEEPA", ("IEEPA",),
         "The International Emergency Economic Powers Act of 1977. The US based its 2025 fentanyl-linked and "
         "reciprocal tariffs on it; the Supreme Court held on 20 February 2026 that it does not authorise tariffs."),
    Term("section-301", "Section 301", ("Section 301",),
         "Section 301 of the Trade Act of 1974: US duties against a trading partner's practices found unfair after an "
         "investigation by the US Trade Representative (USTR). The 2018–19 tariff lists on Chinese goods, their 2024 "
         "increases, the port fees of 2025 and the forced-labour duties of 2026 rest on it."),
    Term("section-232", "Section 232", ("Section 232",),
         "Section 232 of the Trade Expansion Act of 1962: US duties on imports found to threaten national security, "
         "by product (steel, aluminium, cars and parts, copper, timber and others) rather than by country."),
    Term("section-122", "Section 122", ("Section 122",),
         "Section 122 of the Trade Act of 1974: a temporary import surcharge of up to 15% for up to 150 days unless "
         "Congress extends it; used from 24 February to 24 July 2026 after the IEEPA ruling."),
    Term("reciprocal-tariff", "Reciprocal tariff", ("reciprocal tariff", "reciprocal"),
         "The US tariff announced on 2 April 2025 on almost every trading partner, at a rate per country; for China it "
         "rose to 125% in April 2025 before the Geneva truce cut it to 10%."),
    Term("fentanyl-tariff", "Fentanyl-linked tariff", ("fentanyl-linked", "fentanyl"),
         "The US tariff on Chinese goods justified by the flow of fentanyl and its chemical precursors: 10% from "
         "February 2025, 20% from March, 10% again from 10 November 2025."),
    Term("headline-tariff", "Headline additional tariff", ("headline",),
         "In this report: the sum of the across-the-board additional tariffs one side applies to all goods of the "
         "other (see the data's README); it leaves out tariffs on selected goods such as the Section 301 lists and "
         "Section 232."),
    Term("entity-list", "Entity List", ("Entity List",),
         "The US Commerce Department's list of foreign companies and bodies to which US goods and technology may not "
         "be exported without a licence."),
    Term("affiliates-rule", "Affiliates rule (50% rule)", ("affiliates rule", "Affiliates Rule", "50% rule"),
         "The US rule of 29 September 2025 extending the Entity List's restrictions to companies owned 50% or more by "
         "listed ones; suspended for a year from 10 November 2025 under the Busan deal."),
    Term("de-minimis", "De minimis", ("de minimis",),
         "The US exemption from duty for low-value parcels; ended for goods from China and Hong Kong on 2 May 2025."),
    Term("rare-earth-controls", "Rare-earth export controls", ("rare-earth", "rare earth"),
         "China's licensing of exports of rare earths and the magnets made from them (from April 2025), widened in "
         "October 2025; the October measures were suspended for a year under the Busan deal."),
    Term("port-fees", "Port fees", ("port fees", "port fee"),
         "Fees each side charged from 14 October 2025 on ships linked to the other (the US under Section 301, China in "
         "answer); both suspended for a year from 10 November 2025."),
    Term("truce", "Suspension, truce", ("truce", "suspension"),
         "An agreement to stop applying a measure for a time without ending it: the Geneva truce suspended 24 points "
         "of each side's tariff for 90 days, later extended; a suspension ends on a date unless it is extended."),
    Term("tariff-commission", "Customs Tariff Commission", ("Tariff Commission",),
         "The Customs Tariff Commission of China's State Council, which announces China's tariff measures."),
    Term("mofcom", "MOFCOM", ("MOFCOM",), "China's Ministry of Commerce."),
    Term("ustr", "USTR", ("USTR",), "The Office of the United States Trade Representative."),
    Term("bis", "BIS", ("BIS",), "The US Commerce Department's Bureau of Industry and Security, in charge of export controls."),
    Term("trade-weighted", "Trade-weighted average tariff", ("trade-weighted",),
         "An average of tariff rates weighted by how much of each good was traded before; PIIE publishes one for each "
         "side of the US–China trade war."),
)


def anchor(term: Term) -> str:
    return f"term-{term.id}"


def glossary_table() -> Table:
    out = pd.DataFrame({"Term": [t.term for t in TERMS], "What it means here": [t.meaning for t in TERMS]})
    return Table(out, "Terms used in this report", row_ids=[anchor(t) for t in TERMS])


def patterns() -> list[tuple[Term, re.Pattern]]:
    """For each term, the pattern of its forms as whole words (the longest forms first)."""
    return [(t, re.compile(r"(?<![\w-])(" + "|".join(re.escape(f) for f in sorted(t.forms, key=len, reverse=True))
                           + r")(?![\w-])")) for t in TERMS]
