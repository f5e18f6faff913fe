"""The identity search by features (按体貌特征比对): what admission takes besides the
registration (fingerprints and a photo, by regulation; marks), and the words of the search
the police make with them when a name and identity number are unknown or lead nowhere."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from domain.labels_ext import register_labels


class Feature(StrEnum):
    """A feature the police can compare with the population system and missing-person reports."""

    FINGERPRINT = "fingerprint"  # the code of the fingerprints taken at admission
    PHOTO = "photo"  # the admission photo (face comparison)
    SEX = "sex"  # sex as registered
    AGE = "age"  # apparent age (the estimate, or the age from a birth date)
    PLACE = "place"  # where the person was found
    MARKS = "marks"  # scars, birthmarks, tattoos, build


register_labels([
    (Feature.FINGERPRINT, "指纹"),
    (Feature.PHOTO, "入站照片"),
    (Feature.SEX, "性别"),
    (Feature.AGE, "年龄"),
    (Feature.PLACE, "发现地点"),
    (Feature.MARKS, "体貌特征"),
])


class PersonFeatures(BaseModel):
    """What admission took for the search by features (kept by the search while it runs)."""

    fingerprints_taken: bool = False
    fingerprint_code: str | None = None
    """The code the station's fingerprint scanner gives (a template reference, not an image)."""
    photo_ref: str | None = None
    """The admission photo's id (the file itself stays encrypted in the case records)."""
    marks: str | None = None
