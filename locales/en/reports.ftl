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
digest-chart-caption = Share recognised per title and per village, {$year}
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
report-button-dossier = 🗂 Recognition dossier (Word, PDF)
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
report-title-citizen = Citizen
report-title-unit = Unit
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
export-sheet-proposed = Proposed
export-sheet-villages = By village
export-heading-proposed = PROPOSED FOR RECOGNITION {$year}
export-heading-villages = "LEARNING FAMILY" RESULTS BY VILLAGE {$year}
export-col-no = No.
export-col-clan-head = Clan head
export-col-birth-year = Year of birth
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
export-row-provisional = {$what ->
    [both] Provisional indicators and pass mark
    [rule] Provisional pass mark
   *[indicators] Provisional indicators
}

## Yearly summary (due before 15/11)
summary-sheet = Yearly report
summary-heading = LEARNING MODELS: RESULTS FOR {$year}
summary-difficult-area = The commune is a difficult area: targets and pass thresholds may be lower.
summary-section-titles = I. RESULTS AGAINST TARGETS
summary-section-villages = II. "LEARNING FAMILY" BY VILLAGE
summary-col-title = Title
summary-col-total = Total
summary-col-registered = Registered in the bot
summary-col-village = Village
summary-csv-commune = Whole commune

## The five titles in reports (issue 15): each share against its own base
digest-section-village = 🏘️ Learning Community
digest-section-citizen = 🎓 Learning Citizen
digest-section-unit = 🏢 Learning Unit
digest-lead-citizen = {$target} of working people
digest-lead-citizen-staff = {$target} of unit staff
digest-lead-unit = {$target} of units
digest-stages-short = Assessed: {$assessed}{$assessed_delta} · recognised: {$recognised}{$recognised_delta}
digest-empty-clan = 👪 Learning Clan: no clans registered yet.
digest-empty-citizen = 🎓 Learning Citizen: nobody registered yet.
digest-empty-village = { $kind ->
    [none] 🏘️ Learning Community: the commune has no villages in the bot.
   *[other] 🏘️ Learning Community: no village assessed yet.
}
digest-empty-unit = { $kind ->
    [none] 🏢 Learning Unit: no units in the bot yet.
   *[other] 🏢 Learning Unit: no unit assessed yet.
}
digest-share-village = Share recognised: {$part}/{$total} villages, {$share}
digest-share-unit = Share recognised: {$part}/{$total} units, {$share}
digest-share-citizen = In families: {$part}/{$total} working people, {$share}
digest-share-citizen-staff = In units: {$part}/{$total} staff, {$share}
digest-share-unknown-clan = Share recognised: not known yet
digest-share-unknown-village = Share recognised: not known yet
digest-share-unknown-unit = Share recognised: not known yet
digest-share-unknown-citizen = In families: share not known yet
digest-share-unknown-citizen-staff = In units: share not known yet
digest-share-empty-clan = Share recognised: no figures yet
digest-share-empty-village = Share recognised: no figures yet
digest-share-empty-unit = No list of units yet: please ask the administrator for it.
digest-share-empty-citizen = In families: no household has given its number of adults yet
digest-share-empty-citizen-staff = In units: no staff numbers yet
digest-missing-adults = {$count} {$n ->
    [one] household has
   *[other] households have
} not given the number of adults (19 to 60) yet.
digest-missing-base-village = The commune's number of villages is missing. Please ask the administrator.
digest-missing-base-citizen-staff = Some units have no staff number yet (ask the administrator).
digest-target-village = Target {$year}: {$target}, {$missing} more {$n ->
    [one] village
   *[other] villages
} needed
digest-target-citizen = Target {$year}: {$target}, {$missing} more {$n ->
    [one] person
   *[other] people
} needed
digest-target-citizen-staff = Target {$year}: {$target}, {$missing} more {$n ->
    [one] person
   *[other] people
} needed
digest-target-unit = Target {$year}: {$target}, {$missing} more {$n ->
    [one] unit
   *[other] units
} needed
digest-kind-clan = clan
digest-kind-village = learning community
digest-kind-citizen = citizen
digest-kind-unit = unit
chart-titles-title = Recognised in {$year}, per title
chart-titles-axis = Recognised of each title's own total (%)
chart-row-household = Families
chart-row-clan = Clans
chart-row-village = Communities
chart-row-citizen = Citizens (families)
chart-row-citizen-staff = Citizens (units)
chart-row-unit = Units
chart-row-bar = {$recognised}/{$total}, {$share}
chart-row-unknown = not known yet ({$recognised} recognised)
chart-row-target = Target {$year} of each title
digest-nothing-clan = No clans registered yet.
digest-nothing-citizen = Nobody registered yet.
digest-nothing-village = No village assessed yet.
digest-nothing-unit = No unit assessed yet.
digest-kind-place = {$kind}, {$place}
