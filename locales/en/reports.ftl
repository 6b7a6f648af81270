## Chairs' digests (issue 5)
digest-title = 📊 Study-promotion report — {$commune}
digest-period-day = Last 24 hours, to {$time} on {$date}
digest-period-week = Last 7 days: {$start} – {$end}
digest-period-month = Month {$month}, to {$time} on {$date}
digest-period-year = Year {$year}, to {$time} on {$date}
digest-delta-note = In brackets: added during the period.
digest-section-household = 🏠 Learning Family
digest-section-clan = 👪 Learning Clan
digest-registered = Registered in the bot: {$count}{$delta}
digest-assessed = Assessed: {$count}{$delta}
digest-passing = Preliminarily passing: {$count}{$delta}
digest-verified = Verified: {$count}{$delta}
digest-recognised = Recognised: {$count}{$delta}
digest-total-household = Households in the commune: {$total}
digest-total-clan = Clans in the commune: {$total}
digest-share-household = Share recognised: {$part}/{$total} households, {$share}
digest-share-clan = Share recognised: {$part}/{$total} clans, {$share}
digest-registration-household = Share registered in the bot: {$part}/{$total} households, {$share}
digest-registration-clan = Share registered in the bot: {$part}/{$total} clans, {$share}
digest-share-unknown = Commune's share recognised: cannot be worked out yet
digest-missing-households = • No number of households for {$village} yet: {$registered} registered in the bot
digest-missing-more = … and {$count} more villages
digest-missing-clans = No number of clans for {$villages} yet.
digest-target-unknown = Target {$year}: {$target}, still needed cannot be worked out yet
digest-lead-by = 🎯 Target by {$year}: {$targets}
digest-lead-year = 🎯 The commune's target for {$year}: {$targets}
digest-lead-past = 🎯 Target {$year} (past): {$targets}
digest-lead-household = {$target} of households
digest-lead-clan = {$target} of clans
digest-lead-village = {$target} of villages
digest-share-none = Share recognised: no data yet
digest-target-household = Target {$year}: {$target}, {$missing} more {$n ->
    [one] household
   *[other] households
} needed
digest-target-clan = Target {$year}: {$target}, {$missing} more {$n ->
    [one] clan
   *[other] clans
} needed
digest-target-met = Target {$year}: {$target} ✅ reached
digest-no-targets = The commune has no targets set. Please ask the administrator to enter them.
digest-no-clans = No clans registered yet.
digest-behind-title = ⚠️ Villages furthest behind (recognised/all households):
digest-behind-village = • {$village}: {$recognised}/{$total} households, {$share}
digest-waiting-title = ⏳ Waiting for verification over {$days} days: {$count}
digest-waiting-item = • {$name} ({$village}): {$days} {$n ->
    [one] day
   *[other] days
}
digest-waiting-more = … and {$count} more
digest-inactive-title = 💤 Collaborators with no activity since {$date}:
digest-inactive-item = • {$name} ({$village}), last active {$date}
digest-inactive-never = • {$name} ({$village}), no activity yet
digest-inactive-more = … and {$count} more
digest-unnamed = (no name yet)
digest-no-village = village unknown
digest-chart-caption = Share of households recognised per village, {$year}
digest-hint-text = Other periods: type "/report day", "/report month" or "/report year".

## Chart
chart-title = Households recognised as Learning Family, {$year}
chart-axis = Households recognised of all the village's households (%)
chart-target = Target {$year}: {$target}
chart-bar = {$recognised}/{$total} households, {$share}
chart-no-total = number of households not known ({$registered} registered in the bot)

## On-demand reports (/report)
report-not-allowed = Sorry, reports are for the commune association's chair and administrators.
report-no-commune = Sorry, this account is not linked to a commune. Please contact the administrator.
report-unknown-period = Sorry, which period? Please type "/report day", "/report week", "/report month" or "/report year".
report-button-day = 24 hours
report-button-week = 7 days
report-button-month = This month
report-button-year = Whole year
report-button-export = 📥 List (Excel)
report-button-summary = 📄 Yearly report (Excel)
report-export-ready = Here is the {$year} assessment list of {$commune}.
report-summary-ready = Here is the {$year} yearly summary of {$commune}, due before {$due}.
report-button-stale = Sorry, this button can no longer be used. Please type /report for a fresh report.

## Reminders
reminder-summary-due = 📅 Reminder: the {$year} yearly summary of {$commune} is due before {$due} ({$days ->
    [one] 1 day
   *[other] {$days} days
} left).
reminder-summary-button = Tap the button below for the report with the figures filled in.
reminder-summary-text = Please ask the administrator for the report with the figures filled in.
reminder-draft-title = ✏️ {$count ->
    [one] 1 assessment in progress has
   *[other] {$count} assessments in progress have
} not been touched for {$days} days or more:
reminder-draft-item = • {$title}: {$name} ({$village}), last changed {$date}
reminder-draft-more = … and {$count} more
reminder-draft-action = Please type /menu and choose "Continue an unfinished form" to carry on.
reminder-household-draft = ✏️ Your family's "Learning Family" self-assessment is unfinished and has not been touched for {$days} days.
    When convenient, please type /menu to carry on where you left off.
study-month-announcement = 📚 {$commune}: 10 August to 10 September {$year} is the study-promotion month. The Study Promotion Association invites your family to learn together and do the "Learning Family" self-assessment: type /menu to start.

## Titles and statuses
report-title-household = Household
report-title-clan = Clan
report-title-village = Village
report-status-draft = In progress
report-status-submitted = Waiting for verification
report-status-verified = Verified
report-status-returned = Needs additions or changes
report-status-proposed = Proposed for recognition
report-status-recognised = Recognised
report-status-rejected = Rejected
report-result-passed = Pass
report-result-failed = Not yet

## Excel and CSV files
export-sheet-household = Learning Family
export-sheet-clan = Learning Clan
export-sheet-proposed = Proposed
export-sheet-villages = By village
export-heading-household = "LEARNING FAMILY" ASSESSMENTS {$year}
export-heading-clan = "LEARNING CLAN" ASSESSMENTS {$year}
export-heading-proposed = PROPOSED FOR RECOGNITION {$year}
export-heading-villages = "LEARNING FAMILY" RESULTS BY VILLAGE {$year}
export-subheading = {$commune}, {$province}. Made on {$date}.
export-col-no = No.
export-col-head = Head of household
export-col-clan = Clan
export-col-clan-head = Clan head
export-col-name = Household / clan
export-col-village = Village
export-col-commune = Commune
export-col-title = Title
export-col-criterion = Criterion {$id}: {$name} ({$max} points)
export-col-total = Total
export-col-result = Preliminary result
export-col-status = Status
export-col-verified-by = Verified by
export-col-verified-at = Verified on
export-col-decision-number = Decision number
export-col-decision-date = Decision date
export-col-pack = Criteria pack
export-col-pack-version = Version
export-col-households-total = Households
export-col-registered = Registered in the bot
export-col-registered-share = Share registered in the bot
export-col-assessed = Assessed
export-col-passing = Preliminarily passing
export-col-verified = Verified
export-col-recognised = Recognised
export-col-share = Share recognised (of all)
export-col-target = Target {$year}
export-col-missing = Still needed for {$year}
export-total-row = Whole commune
export-no-data = No assessments yet.
export-no-target = not set
export-no-total = not known
export-note-no-total = No number of households yet for: {$villages}. Their shares and the commune's cannot be worked out; please ask the administrator to import the numbers of households.
export-col-criterion-short = Criterion {$id}
export-col-note = Note
export-provisional-note = Note: in the criteria pack “{$pack}” ({$id}, version {$version}), {$what ->
    [both] indicators {$indicators} and the pass mark are
    [rule] the pass mark is
   *[indicators] indicators {$indicators} are
} provisional, not yet checked against the official text.
export-row-provisional = {$what ->
    [both] Provisional indicators and pass mark
    [rule] Provisional pass mark
   *[indicators] Provisional indicators
}

## Yearly summary (due before 15/11)
summary-sheet = Yearly report
summary-heading = LEARNING MODELS: RESULTS FOR {$year}
summary-unit = Study Promotion Association of {$commune}, {$province}
summary-date = Made on {$date}. Due before {$due}.
summary-difficult-area = The commune is a difficult area: targets and pass thresholds may be lower.
summary-section-titles = I. RESULTS AGAINST TARGETS
summary-section-villages = II. "LEARNING FAMILY" BY VILLAGE
summary-col-title = Title
summary-col-total = Total
summary-col-registered = Registered in the bot
summary-col-village = Village
summary-csv-commune = Whole commune
summary-title-household = Learning Family (households)
summary-title-clan = Learning Clan (clans)
summary-title-village = Learning Community (villages)
summary-signature-maker = PREPARED BY
summary-signature-chair = CHAIR OF THE ASSOCIATION
