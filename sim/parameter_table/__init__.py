"""The community's parameters, one module per section of the table (the reforms declare their
own in :mod:`sim.reforms`); :mod:`sim.parameters` gathers them."""
