"""Events of call import for the layers above telephony (kefu/tests/test_layers.py): telephony is a record layer and
never imports the reports; kefu.kpi connects to `calls_imported` and recomputes its rollups."""

from django.dispatch import Signal

# Sent once per import that added calls: sender=the Center, first and last = the local days the calls touched.
# Receivers return the rollup rows they wrote.
calls_imported = Signal()
