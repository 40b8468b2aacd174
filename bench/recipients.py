"""Writes N synthetic recipients (valid NHS numbers) for the letter whose CSV header is given."""
import sys

n, header = int(sys.argv[1]), sys.argv[2].split(",")
# Fields whose value must be one of the letter's choices.
CHOICES = {"patient_told": "told", "copy_to_patient": "yes", "urgency": "routine",
           # The signing clinician is given by name and registration, not chosen from a profile.
           "clinician": "", "clinician_registration": "GMC 9900102"}


def nhs(i):
    while True:
        digits = [int(c) for c in f"{400000000 + i * 7919:09d}"]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)
        i += 1


print(",".join(header))
for i in range(n):
    row = []
    for col in header:
        if col in CHOICES:
            row.append(CHOICES[col])
        elif col == "nhs_number":
            row.append(nhs(i))
        elif "date" in col:
            row.append(f"{1 + i % 28}/{1 + i % 12}/2026")
        elif col == "recipient_address":
            row.append(f"{i} Hospital Road|Leicester")
        elif col == "patient_reference":
            row.append(f"REF{i:04d}")
        else:
            row.append(f"{col.replace('_', ' ').title()} {i}")
    print(",".join(row))
