from typing import Any

from django import forms

from diemen_sociaal.lib.values import InvalidValue, parse_value

from .models import IndicatorValue


class IndicatorValueForm(forms.ModelForm):
    """Edit a value as people write it ("73,6%", "1.141", "NB", "14/215 per week")."""

    raw = forms.CharField(
        label="waarde",
        max_length=500,
        help_text="Zoals in het verslag: 1.141, 73,6%, 14/215 per week, NB, N.n.b., - of tekst.",
    )

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "component", "year", "kind", "footnotes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["raw"].initial = self.instance.display

    def clean_raw(self) -> str:
        raw = self.cleaned_data["raw"]
        try:
            self._parsed = parse_value(raw)
        except InvalidValue as error:
            raise forms.ValidationError(str(error)) from error
        return raw

    def _post_clean(self) -> None:
        # Fill the typed parts before the model's own validation and constraints run.
        if hasattr(self, "_parsed"):
            self.instance.set_value(self._parsed)
        super()._post_clean()  # type: ignore[misc]  # ModelForm has it; the stubs do not say
