"""DIP (按病种分值付费) settlement: grouping, scoring, settlement and catalogue building."""
