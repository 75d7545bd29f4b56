// The studio's migrate page script (being written).
