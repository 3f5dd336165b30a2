"""robustir.models"""
