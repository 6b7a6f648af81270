"""Typed answers to the shipped household self-assessment (packs/gdht-448.yaml), in the order
its questions come: the one copy every test that fills the questionnaire in by hand uses.

Pure data on purpose: unit tests of the core import it as readily as the end-to-end ones.
"""

from __future__ import annotations

# From the head of household's name on, as a collaborator assessing a household types it:
# 5 people, 2 school-age children, 3 adults, every criterion met (100 points), in the
# spellings people really type ("có", "co", "c").
HOUSEHOLD_ANSWERS = (
    "Nguyễn Văn An",  # head_name
    "5",  # members
    "2",  # children
    "3",  # adults
    "1",  # school_attendance
    "1",  # school_results
    "có",  # children_conduct
    "có",  # adult_literacy
    "co",  # adult_learning
    "c",  # adult_applying
    "có",  # study_corner
    "1, 4",  # info_devices
    "có",  # study_fund
    "có",  # cultured_family
    "có",  # stable_lawful
)

# After the name, which the village QR code asks while joining: 4 people, 2 school-age
# children, 2 adults, every criterion met (100 points).
FULL_ANSWERS = ("4", "2", "2", "1", "1", "co", "co", "co", "co", "co", "1, 3", "co", "co", "co")

# After the name as well, one criterion missed: 90 of 100.
NINETY_POINT_ANSWERS = (
    *("4", "2", "2"),  # members, children, adults
    *("1", "1", "co"),  # criterion 1
    *("co", "co", "khong"),  # criterion 2
    *("co", "1, 3, 4", "co"),  # criterion 3
    *("co", "co"),  # criterion 4
)
