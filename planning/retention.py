"""Planning's part of crypto-shredding (cases/retention.py): a purged case keeps no plan, no
instruction (its signature could confirm a guessed text) and no escort task; their sealed
records go with the case's other records."""

from planning.models import EscortTask, Instruction, Plan


def purge(case) -> None:
    Instruction.objects.filter(case=case).delete()
    EscortTask.objects.filter(case=case).delete()
    Plan.objects.filter(case=case).delete()
