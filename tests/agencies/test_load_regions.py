import pytest
from django.core.management import CommandError, call_command

from agencies.models import Region


@pytest.mark.django_db
def test_load_regions_upserts_the_parepare_tree_twice_without_duplicates():
    call_command("load_regions")
    first = Region.objects.count()
    call_command("load_regions")
    assert Region.objects.count() == first > 4
    assert Region.objects.filter(level="kecamatan", code__startswith="73.72.").count() == 4


@pytest.mark.django_db
def test_load_regions_rejects_a_bad_file_and_loads_nothing(tmp_path):
    bad = tmp_path / "regions.csv"
    bad.write_text("kode;nama\n73;SULAWESI SELATAN\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a region CSV"):
        call_command("load_regions", str(bad))
    assert Region.objects.count() == 0
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_regions", str(tmp_path / "missing.csv"))
