"""The demo data set (marked 演示 / demo) in one place: one module per area, loaded in the order of
`ipcity.demo.parts.PARTS` by `manage.py load_demo`. Every row is written through the owning app's services,
so loading the demo is also an end-to-end run of those services (docs/adr/0018-demo-through-services.md)."""
