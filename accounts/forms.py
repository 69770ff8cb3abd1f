import re

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        error_messages={"required": "Vul de code in."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "utrecht-textbox utrecht-textbox--html-input",
            }
        ),
    )

    def clean_code(self) -> str:
        # Typed with spaces ("123 456") or a dash, in capitals: all the same code.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not code.isalnum():
            raise forms.ValidationError("Een code bestaat uit cijfers en letters.")
        return code
