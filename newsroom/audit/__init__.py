"""The newsroom's audit log: who did what to which object, through which door. Append-only."""
