"""Folders: workspace-scoped containers of codes (each code in at most one), ordered by
position, limited in number by the plan. Deleting a folder unassigns its codes."""
