account: e@example.org
password: pw
directory: forward
user: f@example.org
