"""Protocol (礼宾): protocol ranks of the people at an event, ordered by rank and
then by surname strokes, and the rostrum seating (主席台座次) of its sessions."""
