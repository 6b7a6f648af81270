"""The papers a commune files: letterhead, the recognition dossier, printable lists, posters."""
