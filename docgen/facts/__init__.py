"""What a case means, as pure functions: each medication's course and changes, symptom onsets
against them, FND findings, deadlines, benzodiazepine equivalence, the taper projection, and the
summary and warnings `docgen validate` prints."""
