rules:
  - name: disks to a
    condition: key matches ^Disk
    plugin: MessageQueue
    config: { directory: forward }
