"""What the spine announces, for the sides built on it to act on.

programs' write services know nothing of PDFs, caches or mail: they send a signal
and whoever cares (the PDF jobs, see ProgramsConfig.ready) receives it. Importing a
write service therefore loads no layout engine.
"""

from django.dispatch import Signal

# Sent after the transaction that adopted a report has committed; argument: report.
report_adopted = Signal()
