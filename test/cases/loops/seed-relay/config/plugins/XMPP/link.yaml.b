account: b@example.org
password: pw
directory: reactor
user: e@example.org
