"""robustir.leaderboards"""
