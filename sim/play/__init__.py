"""Classroom role-play: a student takes one actor's seat (or two students two seats) against
the model's agents, in one replication of a scenario (issue 17).

* :mod:`sim.play.game` - the game file (scenario + seed + replication + seats + moves), its
  YAML/JSON format and its validation (errors with file, line and key; exit 2);
* :mod:`sim.play.world` - the game played: an R=1 :class:`~sim.engine.model.CeasefireModel`
  whose decision hook (:meth:`~sim.engine.model.CeasefireModel.choose`) asks a
  :class:`~sim.play.world.Decider` at every decision point of a seat; the situation as the
  seat's actor sees it;
* :mod:`sim.play.debrief` - the player's path against the model alone (same world, ensemble),
  utilities, and where the player's choices differed from the model's, with the margins;
* :mod:`sim.play.report` - the teacher's side-by-side report of several games (report.html);
* :mod:`sim.play.terminal` - ``ceasefire-sim play`` turn by turn in a terminal.
"""
