"""The report's charts: Altair specs (``specs``), their palettes (``colours``) and offline rendering (``render``)."""
from .specs import (
                    enable_theme,
                    event_timeline,
                    outcome_chart,
                    participation_chart,
                    status_history_chart,
                    status_matrix_chart,
                    tariff_step_chart,
)

__all__ = ["enable_theme", "event_timeline", "outcome_chart", "participation_chart", "status_history_chart",
           "status_matrix_chart", "tariff_step_chart"]
