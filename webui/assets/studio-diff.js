// The studio's diff page script (being written).
