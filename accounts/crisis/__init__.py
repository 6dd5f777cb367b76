"""Crisis mode: while it lasts, only the crisis team speaks for the municipality.

The guideline: "Ved kriser skal all informasjonsaktivitet samordnes av ordfører og
krise-/beredskapsleder ... I slike tilfeller har medarbeidere ikke anledning til å gi egne
kommentarer utover kommunens offisielle budskap." A ``CrisisPeriod`` records one crisis and
the accounts it covers; ``CrisisMessage`` rows are the versions of the official message;
``lockout`` is what the services that answer or publish call.
"""
