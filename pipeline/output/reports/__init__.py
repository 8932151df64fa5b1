"""output/reports"""
