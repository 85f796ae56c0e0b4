account: d@example.org
password: pw
directory: reactor
user: e@example.org
