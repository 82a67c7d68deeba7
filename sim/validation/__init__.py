"""Verification and validation evidence for the community model, and its documentation.

* :mod:`sim.validation.mmc` - the model configured as an M/M/c queue, checked against Erlang C;
* :mod:`sim.validation.claims` - the article's claimed effects as paired comparisons, judged;
* :mod:`sim.validation.timeline` - the 2003-2014 replay, year by year, against no reforms;
* :mod:`sim.validation.evidence` - ``govsim validate-model``: all of it into ``docs/validation/``;
* :mod:`sim.validation.docs` - the parameter table generated from the schema, and the checks that
  keep ``docs/ODD.md`` in step with the code.

Nothing heavy is imported here: ``govsim`` imports :mod:`sim.validation.cli` at every start.
"""
