"""In-person training sessions (workshops): recording them, their attendance lists (picked from
people or imported from a spreadsheet) and their attendance certificates. The models live in
certificates/models.py; the register counts these sessions beside e-learning."""
