#!/usr/bin/perl
# What the original's YAML::XS makes of messages: JSON Lines of messages on
# stdin; out, per line, {"message", "yaml", "checksum"}, where yaml is
# YAML::XS::Dump of the message (as text) and checksum is what the original's
# store computes (MD5 of the dump without the fields it leaves out, encoded
# to UTF-8 once more). Needs libyaml-libyaml-perl; used by
# test/make-yaml-vectors.ts to record test/fixtures/yaml-xs-vectors.jsonl.
use strict;
use warnings;
use JSON::PP;
use YAML::XS ();
use Digest::MD5 qw(md5_hex);
use Encode qw(decode_utf8);

my $json = JSON::PP->new->utf8->canonical;
my @excluded = qw(lastupdate status_since status_count wubot_rulelog mailbox coalesce);

# JSON booleans become what Perl's true and false are once copied: 1 and "".
sub plain {
    my ($v) = @_;
    return [ map { plain($_) } @$v ] if ref $v eq 'ARRAY';
    return { map { $_ => plain($v->{$_}) } keys %$v } if ref $v eq 'HASH';
    return $v ? 1 : '' if JSON::PP::is_bool($v);
    return $v;
}

while (my $line = <STDIN>) {
    my $message = plain($json->decode($line));
    my $dump = YAML::XS::Dump($message);
    my $data = { %$message };
    delete $data->{$_} for @excluded;
    my $text = YAML::XS::Dump($data);
    utf8::encode($text);
    print $json->encode({ message => $message, yaml => decode_utf8($dump), checksum => md5_hex($text) }), "\n";
}
