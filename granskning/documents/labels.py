"""The fixed texts of every Word document (its ``t``), and the words its tables use.

English msgids marked with ``N_``: a document translates them into its own language
(:func:`granskning.documents.style.translated`), whatever language messages are shown in.
Templates read them as ``t.<key>``; the context schemas list the keys.
"""

from __future__ import annotations

from granskning.domain.enums import Role
from granskning.domain.i18n import N_

# The report's fixed texts, in the report's language.
LABELS: dict[str, str] = {
    "cover_kicker": N_("Collegial review of children's rights"),
    "report_title": N_("Review report"),
    "host": N_("Municipality under review"),
    "reviewing": N_("Reviewing municipalities"),
    "visit": N_("Review visit"),
    "handed_over": N_("Handed over"),
    "report_version": N_("Report version"),
    "round": N_("Round"),
    "question_template": N_("Question template"),
    "version": N_("version"),
    "draft_notice": N_("Draft: this report has not been handed over."),
    "draft_marker": N_("DRAFT"),
    "contents": N_("Contents"),
    "summary": N_("Summary"),
    "reflections": N_("The reviewers' reflections"),
    "introduction": N_("Introduction"),
    "not_written": N_("Not written yet."),
    "method": N_("Method"),
    "team": N_("The review team"),
    "team_intro": N_("The review was carried out by the following people."),
    "name": N_("Name"),
    "municipality": N_("Municipality"),
    "role": N_("Role"),
    "visit_heading": N_("The visit"),
    "group": N_("Group"),
    "interviews": N_("Interviews"),
    "participants": N_("Participants"),
    "titles": N_("Titles"),
    "examination": N_("The review"),
    "examination_intro": N_(
        "Each section follows a block of the question template: the reviewers' analysis, "
        "the strengths and development areas they see, and quotes from the interviews, "
        "each with the group that said it."
    ),
    "no_analysis": N_("The reviewers' analysis of this area is not written yet."),
    "quotes": N_("In the interviewees' words"),
    "ratings": N_("Ratings"),
    "notes_appendix": N_("Appendix: Notes from the interviews"),
    "notes_appendix_intro": N_(
        "Everything noted in the interviews, by question and group. What several groups "
        "said in the same words is given once, with the groups named."
    ),
    "articles": N_("Articles of the Convention"),
    "answers": N_("Answers"),
    "mean": N_("Mean"),
    "rating_note": N_("Number of answers per step of the scale and the mean per group. Scale:"),
    "too_few": N_(
        "– : no mean is shown over fewer than three answers; so few say little and could "
        "tell who answered."
    ),
    "no_notes": N_("No notes were taken for this question."),
    "observations": N_("Other observations"),
    "strengths": N_("Strengths"),
    "developments": N_("Development areas"),
    "no_findings": N_("The reviewers have no particular findings in this area."),
    "findings_heading": N_("strengths and development areas"),
    "recommendations": N_("Recommendations"),
    "recommendations_intro": N_("The reviewers recommend the following to the municipality."),
    "no_recommendations": N_("The reviewers make no recommendations."),
    "future": N_("Future"),
    "future_intro": N_(
        "At the end of each session the participants completed sentences about the future. "
        "Their answers follow."
    ),
    "no_completions": N_("No sentence completions were recorded."),
    "appendix": N_("Appendix: Participants"),
    "appendix_intro": N_(
        "The interviews of the review visit, with the people interviewed and the review "
        "team's roles."
    ),
    "place": N_("Place"),
    "review_team": N_("Review team"),
    "title": N_("Title"),
    "organisation": N_("Organisation"),
    "no_interviewees": N_("No interviewees were recorded."),
    "no_interviews": N_("No interviews have been held."),
    "colophon": N_("Produced with granskning on"),
    "page": N_("Page"),
    "page_of": N_("of"),
    "and": N_("and"),
    "moderator": N_("moderator"),
    "note_taker": N_("note-taker"),
    "timekeeper": N_("timekeeper"),
    "seminar_title": N_("Follow-up seminar"),
    "seminar_date": N_("Seminar"),
    "not_scheduled": N_("not scheduled yet"),
    "checklist": N_("Checklist"),
    "checklist_intro": N_(
        "Each recommendation, development area and commitment of the report is followed up "
        "at the seminar: its status, a comment and who is responsible."
    ),
    "number": N_("No."),
    "block": N_("Area"),
    "source": N_("Source"),
    "item": N_("Item"),
    "status": N_("Status"),
    "comment": N_("Comment"),
    "responsible": N_("Responsible"),
    "no_items": N_("The checklist is empty."),
    "status_legend": N_("Status: red = not started, amber = in progress, green = done."),
}

METHOD_TEXT = N_(
    "Collegial review (kollegial granskning) is a method in which municipalities in the "
    "Partnership for Children's Rights in Practice review each other's work with the UN "
    "Convention on the Rights of the Child, Swedish law since 1 January 2020.\n\n"
    "A review team of colleagues from other municipalities visits the municipality and "
    "holds question sessions with elected representatives, senior managers, staff, and "
    "children and young people. Every session follows the same question template, has a "
    "fixed time and fixed roles: a moderator leads the conversation, a note-taker writes "
    "down what is said and a timekeeper keeps the time.\n\n"
    "The team then writes this report, hands it over to the municipality and returns some "
    "months later for a follow-up seminar on the development areas and recommendations."
)

ROLE_LABELS = {
    Role.lead: N_("Review lead"),
    Role.reviewer: N_("Reviewer"),
    Role.secretary: N_("Secretary"),
    Role.timekeeper: N_("Timekeeper"),
    Role.host_contact: N_("Host contact"),
}
ROLE_ORDER = [Role.lead, Role.reviewer, Role.secretary, Role.timekeeper, Role.host_contact]


# Sentences put together in the report's builders, visible to the catalog extractor.
REPORT_SENTENCES = (
    N_("The visit took place on {dates}."),
    N_("The team held one interview"),
    N_("The team held {n} interviews"),
    N_("with one participant."),
    N_("with {n} participants in all."),
    N_("one person"),
    N_("{n} people"),
)

# The checklist's fixed texts (``t`` in its Word template), in the review's language.
CHECKLIST_LABELS = {
    "title": N_("Follow-up seminar"),
    "document": N_("Follow-up seminar – checklist"),
    "document_held": N_("Follow-up seminar – results"),
    "checklist_for": N_("Checklist for"),
    "results_for": N_("The follow-up seminar's results for"),
    "host": N_("Municipality under review"),
    "reviewing": N_("Reviewing municipalities"),
    "round": N_("Round"),
    "handed_over": N_("Report handed over"),
    "seminar": N_("Seminar"),
    "at": N_("at"),
    "not_booked": N_("not booked yet"),
    "place": N_("Place"),
    "intro": N_(
        "The items come from the review report's recommendations, development areas and "
        "commitments (Framtid). At the seminar each item gets a status, a comment, a "
        "responsible person and a date it is to be done by."
    ),
    "no_items": N_("The checklist has no items."),
    "number": N_("No."),
    "item": N_("Item"),
    "status": N_("Status"),
    "comment": N_("Comment"),
    "responsible": N_("Responsible"),
    "also_covers": N_("Also covers:"),
    "deadline": N_("Done by"),
    "participants": N_("Participants"),
    "sign_intro": N_("Those taking part in the seminar sign below."),
    "name": N_("Name"),
    "municipality": N_("Municipality"),
    "signature": N_("Signature"),
    "printed": N_("Printed"),
}


# The seminar record's fixed texts (``t`` in its Word template), in the review's language.
MINUTES_LABELS = {
    "document": N_("Minutes of the follow-up seminar"),
    "host": N_("Municipality under review"),
    "reviewing": N_("Reviewing municipalities"),
    "handed_over": N_("Report handed over"),
    "date": N_("Date"),
    "place": N_("Place"),
    "participants": N_("Participants"),
    "no_participants": N_("No participants were noted."),
    "name": N_("Name"),
    "municipality": N_("Municipality"),
    "items_heading": N_("The items: status before and after the seminar"),
    "items_intro": N_(
        "Each item of the checklist with its status before the seminar and the status, "
        "comment, responsible person and deadline agreed at it."
    ),
    "no_items": N_("The checklist has no items."),
    "number": N_("No."),
    "item": N_("Item"),
    "before": N_("Before"),
    "after": N_("After"),
    "comment": N_("Comment"),
    "responsible": N_("Responsible"),
    "deadline": N_("Done by"),
    "next_steps": N_("Next steps"),
    "no_next_steps": N_("No next steps were noted."),
    "next_follow_up": N_("Next follow-up"),
    "next_follow_up_on": N_("The next follow-up is on"),
    "not_dated": N_("The date of the next follow-up is not set yet."),
    "printed": N_("Printed"),
}


# The compilation's fixed texts (``t`` in its Word template), in the round's language.
COMPILATION_LABELS = {
    "document": N_("Compilation – peer review"),
    "compilation": N_("Compilation"),
    "peer_review": N_("peer review"),
    "Peer_review": N_("Peer review"),
    "reviews": N_("Reviews"),
    "interviews": N_("Interviews"),
    "participants": N_("Participants"),
    "children": N_("Children and young people heard"),
    "hours": N_("Hours booked"),
    "held_hours": N_("Hours held"),
    "done_in_follow_up": N_("Done in the follow-up"),
    "overview": N_("Overview per municipality"),
    "host": N_("Municipality under review"),
    "reviewed_by": N_("Reviewed by"),
    "status": N_("Status"),
    "strengths": N_("Strengths"),
    "development": N_("Development areas"),
    "total": N_("Total"),
    "per_group": N_("Interviews, participants and hours per group"),
    "whole_round": N_("The whole round"),
    "group": N_("Interviewee group"),
    "per_municipality": N_("Per municipality"),
    "findings": N_("Findings per block"),
    "findings_intro": N_(
        "The reviewers' strengths and development areas in each block of the question "
        "template, municipality by municipality."
    ),
    "no_findings": N_("No findings"),
    "no_findings_in_block": N_("No findings were recorded in the block."),
    "ratings": N_("Rating questions"),
    "no_ratings": N_("The question template has no rating questions."),
    "answers": N_("Answers"),
    "mean": N_("Mean"),
    "all_groups": N_("All groups"),
    "columns": N_("Columns 1–4 give the number of answers with each value of the scale."),
    "too_few": N_(
        "– : no mean is shown over fewer than three answers, and such groups have no bar in "
        "the chart; so few say little and could tell who answered."
    ),
    "no_answers": N_("No ratings were recorded for the question."),
    "follow_up": N_("Follow-up per municipality"),
    "follow_up_intro": N_(
        "The checklist's items (recommendations, development areas and commitments) by the "
        "status they got at the follow-up seminar: red = not started, amber = in progress, "
        "green = done."
    ),
    "seminar": N_("Seminar"),
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "without_status": N_("Without status"),
    "share_done": N_("Share done"),
    "not_reviewed": N_("Not reviewed yet:"),
    "timeline": N_("Timeline per municipality"),
    "visit": N_("Visit"),
    "handover": N_("Handover"),
    "recommendations": N_("Recommendations and their status"),
    "recommendations_intro": N_(
        "Each municipality's recommendations with their number from the report, the status "
        "the follow-up seminar gave them, who is responsible and when they are to be done by."
    ),
    "recommendation": N_("Recommendation"),
    "number": N_("No."),
    "responsible": N_("Responsible"),
    "deadline": N_("Done by"),
    "no_recommendations": N_("No recommendations."),
}


# A municipality's history's fixed texts (``t`` in its Word template), in its language.
HISTORY_LABELS = {
    "document": N_("A municipality's history – peer review"),
    "history": N_("History of the peer reviews"),
    "overview": N_("Reviews per round"),
    "year": N_("Year"),
    "theme": N_("Theme"),
    "hosted": N_("Reviewed by others"),
    "reviewed": N_("Reviewed others"),
    "no_reviews": N_("The municipality has no reviews yet."),
    "ratings": N_("Rating questions across the rounds"),
    "ratings_intro": N_(
        "The mean answer to each rating question per interviewee group and round, and the "
        "number of answers. A mean over fewer than three answers is not shown (–)."
    ),
    "no_ratings": N_("No rating questions were asked in the reviews of the municipality."),
    "group": N_("Interviewee group"),
    "answers": N_("Answers"),
    "mean": N_("Mean"),
    "findings": N_("Findings"),
    "strengths": N_("Strengths"),
    "development": N_("Development areas"),
    "no_findings": N_("The reviewers had no particular findings in this block."),
    "not_recorded": N_("No findings were recorded in this block."),
    "recommendations": N_("Recommendations and follow-up"),
    "no_recommendations": N_("The reviewers made no recommendations."),
    "number": N_("No."),
    "recommendation": N_("Recommendation"),
    "status": N_("Status at the seminar"),
    "next": N_("At the next review"),
    "not_hosted": N_("The municipality was not reviewed in this round."),
    "as_reviewer": N_("As a reviewing municipality"),
    "made": N_("Made"),
}


__all__ = [
    "CHECKLIST_LABELS",
    "COMPILATION_LABELS",
    "HISTORY_LABELS",
    "LABELS",
    "MINUTES_LABELS",
    "METHOD_TEXT",
    "REPORT_SENTENCES",
    "ROLE_LABELS",
    "ROLE_ORDER",
]
