"""The case file: the contract (``model``), reading it with located errors (``loading``) and
partial dates (``dates``). Imports no later stage."""
