"""What the coach keeps and reads over a caseload: the board, the register, contacts and the work diary."""
