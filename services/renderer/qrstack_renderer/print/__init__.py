"""Print-ready output: vector PDF in mm with bleed and crop marks, 100 % K or CMYK, label sheets."""
