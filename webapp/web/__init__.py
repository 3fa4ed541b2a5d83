"""HTTP-facing parts: one blueprint per area, each with a templates folder of its own."""
