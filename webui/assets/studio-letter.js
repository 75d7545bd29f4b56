// The studio's letter page script (being written).
