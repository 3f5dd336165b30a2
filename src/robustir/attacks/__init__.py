"""robustir.attacks"""
