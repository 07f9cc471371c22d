"""X12 005010X279A1 eligibility: the 270 inquiry we write and the 271 response we read.

Delimiters always come from the ISA segment of the file at hand, never assumed.
"""
