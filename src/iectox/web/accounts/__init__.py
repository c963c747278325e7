"""Users, their role and centres, and the one access API every view goes through (`access`)."""
