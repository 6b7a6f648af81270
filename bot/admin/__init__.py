"""Administration from the command line: units, targets, people and criteria-pack spreadsheets."""
