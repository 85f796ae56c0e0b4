account: c@example.org
password: pw
directory: reactor
user: e@example.org
