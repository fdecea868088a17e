"""Timpora coordination: meetings (rapat Timpora), tasks between agencies, joint operations
(operasi gabungan), enforcement actions (TAK), exports and the meeting pack.

Glossary: *rapat Timpora* — the coordination meeting the Kanim chairs; *operasi gabungan* — a
joint field operation of several member agencies under a written supervision order (*surat
perintah*); *TAK* — *tindakan administratif keimigrasian*, the administrative actions of UU 6/2011
Art. 75; *gelar kasus* — the case review that precedes a TAK decision.

The models live in :mod:`reports.coordination.models` (imported by ``reports.models`` so Django
registers them in the ``reports`` app); writes in ``services``, scoped reads in ``selectors``.
"""
