rules:
  - name: relay
    plugin: DeleteField
    config: { field: noforward }
  - name: forward
    condition: noforward is false
    plugin: MessageQueue
    config: { directory: forward }
