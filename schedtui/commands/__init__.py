"""The headless `schedtui` commands, one module per noun; `schedtui.cli` wires them up."""
