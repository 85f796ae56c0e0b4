account: b@example.org
password: pw
directory: forward
user: a@example.org
