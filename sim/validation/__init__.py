"""Verification and validation evidence for the community model, and its documentation.

``govsim validate-model`` (:mod:`sim.validation.evidence`) runs every check below and writes
``docs/validation/``; each check, and its section of the README, is the module named after it:

* :mod:`sim.validation.calibration` - the uncertain parameters sampled against pattern targets
  (:mod:`~sim.validation.patterns`, read from the :mod:`~sim.validation.calibration_file`;
  written by :mod:`~sim.validation.calibration_report`), and :mod:`sim.validation.robustness` - in
  how many parameter sets each claim holds;
* :mod:`sim.validation.claims` - the article's claimed effects as paired comparisons, judged;
* :mod:`sim.validation.tradeoff` - staggered hours without extra staff, at several staff counts;
* :mod:`sim.validation.mmc` - the model configured as an M/M/c queue, checked against Erlang C;
* :mod:`sim.validation.littles_law` - L = lambda W in every run;
* :mod:`sim.validation.checks` - determinism and common random numbers, each with its premise;
* :mod:`sim.validation.timeline` - the 2003-2014 replay, year by year, against no reforms;
* :mod:`sim.validation.behaviour` - what each of the residents' behaviour submodels adds.

:mod:`~sim.validation.settings` says how hard to look, :mod:`~sim.validation.markdown` how numbers
read, :mod:`~sim.validation.readme` assembles the README.  :mod:`sim.validation.docs` generates
the parameter table from the schema and keeps ``docs/ODD.md`` in step with the code.

Nothing heavy is imported here: ``govsim`` imports :mod:`sim.validation.cli` at every start.
"""
