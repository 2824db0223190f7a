"""Files: what skprune checks in a fitted state it did not compute itself."""
